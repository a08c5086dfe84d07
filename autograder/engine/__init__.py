"""The engine: the sandbox, the worker that runs student code, the plain-data channel
between them, the notebook runner, and the grader's view of one student file."""
