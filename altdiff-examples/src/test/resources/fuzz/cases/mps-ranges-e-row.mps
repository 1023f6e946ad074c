NAME T
ROWS
 N obj
 E c1
COLUMNS
 x obj 1 c1 1
RHS
 r c1 1
RANGES
 rng c1 -2
BOUNDS
 LO b x 0
ENDATA
