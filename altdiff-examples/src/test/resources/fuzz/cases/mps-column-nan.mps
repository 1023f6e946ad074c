NAME T
ROWS
 N obj
 L c1
COLUMNS
 x obj NaN c1 1
RHS
 r c1 1
ENDATA
