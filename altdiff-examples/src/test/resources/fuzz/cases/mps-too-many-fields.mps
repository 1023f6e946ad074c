NAME T
ROWS
 N obj extra words here
COLUMNS
 x obj 1
ENDATA
