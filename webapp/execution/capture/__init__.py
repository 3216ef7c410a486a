"""What autograd did: the forward ops on their nodes, the backward flow, local Jacobians."""
