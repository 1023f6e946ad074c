NAME T
ROWS
 N obj
 L c1
COLUMNS
 x obj one
ENDATA
