/* slicer's web page */
