"""The lecture's lessons that re-run the program: numerics and gradient descent."""
