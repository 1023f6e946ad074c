NAME T
ROWS
 N obj
 G c1
COLUMNS
 x obj 1 c1 1
RHS
 r c1 5
BOUNDS
 UP b x 1
 LO b x 0
ENDATA
