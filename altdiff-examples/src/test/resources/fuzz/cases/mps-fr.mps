NAME T
ROWS
 N obj
 L c1
COLUMNS
 x obj 1 c1 1
 y obj 1 c1 1
RHS
 rhs c1 4
BOUNDS
 FR bnd x
 FR bnd y
ENDATA
