NAME T
ROWS
 N obj
 L c1
COLUMNS
 x obj 1 c1 1
 y obj 1 c1 1
RHS
 rhs c1 4
RANGES
 rng c1 -2
BOUNDS
 LO b x 0
 LO b y 0
ENDATA
