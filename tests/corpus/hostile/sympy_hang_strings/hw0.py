# Symbolic answers built to make sympy (or the parser before it) hang or explode: towers of
# powers, deep nesting, huge degrees, huge numbers, long text. All wrong; each must be
# refused or marked wrong in well under a second.
NEST = 49  # just inside the bracket limit

Q3A = "2**2**2**99"
Q3B = "(" * 5000 + "x" + ")" * 5000
Q3C = "(" * NEST + "A.T" + ")" * NEST
Q3D = "(" + " @ ".join(["(A + A.T)"] * 40) + ")"
Q3E = "A**99999999 == A.T**99999999"
Q4A_ELBOW = "9**9**9**9"
Q4A_DL_DPHI = "(phi - y)" + "*(phi - y)" * 40
Q4A_DL_DW = {"active": "((phi - y)*x)**8**8", "inactive": "1e999999"}
Q4A_DL_DB = {"active": "x" * 499, "inactive": "1/0"}
Q4B = {"i": {"slope": {"a": {"b": {"c": {"d": {"e": {"f": {"g": "up"}}}}}}}, "elbow": 1}}
Q6_SOURCES = "b" * 10**6
Q6_COLLABORATORS = ""
Q6_HOURS = float("nan")
