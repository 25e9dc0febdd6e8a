"""The sample class's notebooks per assignment (grader.instructor.sampleclass): one module
each, with MISTAKES, UNCATALOGUED and STYLES. An assignment is here when its module is."""
