NAME T
ROWS
 N obj
 L c1
COLUMNS
 x obj 1e308 c1 1
 y obj -1e308 c1 1
RHS
 r c1 1
BOUNDS
 LO b x 0
 LO b y 0
ENDATA
