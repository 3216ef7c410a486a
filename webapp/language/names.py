"""The names a program may use, as plain sets (no torch: the web process checks with them)."""

TORCH_FUNCTIONS = frozenset("""
    tensor as_tensor ones zeros ones_like zeros_like full full_like rand randn rand_like
    randn_like randint arange linspace eye empty_like
    sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp exp2 expm1 log log2
    log10 log1p sqrt rsqrt square abs neg sign floor ceil round trunc frac reciprocal erf
    sigmoid relu clamp clip lerp hypot maximum minimum where
    add sub subtract mul multiply div divide true_divide pow remainder fmod
    sum mean prod max min amax amin std var norm logsumexp cumsum cumprod argmax argmin
    softmax log_softmax
    matmul mm mv bmm dot outer inner trace diag tril triu einsum tensordot cross
    reshape flatten squeeze unsqueeze transpose t permute stack cat hstack vstack
    broadcast_to numel is_tensor allclose equal isclose isnan isinf manual_seed
""".split())

TORCH_VALUE_NAMES = frozenset("""
    float float32 float64 double half float16 bfloat16 int int32 int64 long int16 int8
    uint8 bool complex64 cfloat pi e inf nan
""".split())

FUNCTIONAL_FUNCTIONS = frozenset("""
    relu relu6 leaky_relu elu selu gelu silu softplus softsign sigmoid tanh hardtanh
    logsigmoid softmax log_softmax normalize linear mse_loss l1_loss smooth_l1_loss huber_loss
    binary_cross_entropy binary_cross_entropy_with_logits cross_entropy nll_loss cosine_similarity
    dropout one_hot pad
""".split())

TENSOR_METHODS = frozenset("""
    backward item tolist numpy size dim numel
    sum mean prod max min amax amin std var norm logsumexp cumsum cumprod argmax argmin
    abs exp log log2 log10 log1p sqrt rsqrt square sin cos tan tanh sigmoid relu neg sign
    floor ceil round reciprocal pow clamp clip softmax log_softmax
    add sub mul div matmul mm mv dot outer
    t reshape view view_as flatten squeeze unsqueeze transpose permute expand expand_as repeat
    diag trace tril triu
    detach clone zero_ fill_ requires_grad_ retain_grad float double long int bool
    allclose equal isnan isinf
""".split())

TENSOR_ATTRIBUTES = frozenset("""
    grad data shape T mT requires_grad is_leaf dtype grad_fn ndim
""".split())

MATH_NAMES = frozenset("""
    sin cos tan asin acos atan atan2 sinh cosh tanh asinh acosh atanh exp expm1 log log2 log10
    log1p sqrt pow fabs floor ceil trunc hypot isclose isfinite isinf isnan copysign fsum
    degrees radians erf erfc gamma lgamma pi e tau inf nan
""".split())

KEYWORDS = frozenset("""
    requires_grad dtype dim keepdim sep end flush gradient min max steps reduction
    negative_slope alpha beta p eps weight bias start step out_features num_classes unbiased
    correction
    retain_graph create_graph inputs outputs grad_outputs allow_unused
    lr momentum dampening nesterov weight_decay betas amsgrad maximize
    in_features inplace label_smoothing ignore_index key reverse strict default
""".split())

# torch.autograd, the grad-mode context managers (`with torch.no_grad():` only), torch.optim
# and the torch.nn modules a program may build, with what their objects offer.
AUTOGRAD_FUNCTIONS = frozenset({"grad", "backward"})
GRAD_MODES = frozenset({"no_grad", "enable_grad"})
OPTIMIZERS = frozenset({"SGD", "Adam"})
OPTIMIZER_MEMBERS = frozenset({"step", "zero_grad", "param_groups"})
NN_MODULES = frozenset({"Linear", "Sequential", "ReLU", "Sigmoid", "Tanh", "MSELoss",
                        "CrossEntropyLoss"})
MODULE_MEMBERS = frozenset({"weight", "bias", "parameters", "named_parameters", "in_features",
                            "out_features", "zero_grad"})

# In-place tensor methods (autograd's own rules: a leaf that requires grad only under
# `torch.no_grad()`, CopySlices for index assignment).
INPLACE_TENSOR_METHODS = frozenset("""
    add_ sub_ mul_ div_ pow_ neg_ abs_ exp_ log_ sqrt_ sin_ cos_ tanh_ sigmoid_ relu_
    clamp_ clip_ copy_ zero_ fill_ requires_grad_ normal_ uniform_
""".split())

# Methods of Python's own lists, dicts and strings.
LIST_METHODS = frozenset({"append", "extend", "pop", "insert", "index", "count"})
DICT_METHODS = frozenset({"items", "keys", "values", "get"})
STRING_METHODS = frozenset({"format"})

TORCHVIZ_NAMES = frozenset({"make_dot"})

# Names a program may use as attributes anywhere: checked before anything runs.
ATTRIBUTE_NAMES = (TORCH_FUNCTIONS | TORCH_VALUE_NAMES | FUNCTIONAL_FUNCTIONS | TENSOR_METHODS
                   | TENSOR_ATTRIBUTES | MATH_NAMES | {"nn", "functional", "autograd", "optim"}
                   | AUTOGRAD_FUNCTIONS | GRAD_MODES | OPTIMIZERS | OPTIMIZER_MEMBERS
                   | NN_MODULES | MODULE_MEMBERS | INPLACE_TENSOR_METHODS | LIST_METHODS
                   | DICT_METHODS | STRING_METHODS | TORCHVIZ_NAMES)

# Attributes a program may assign to: `x.data = ...` (also `-=`), and `x.grad = None`.
# .weight and .bias: `layer.weight -= lr * layer.weight.grad` under no_grad stores the result
# back (the interpreter accepts only the layer's own parameter there).
STORABLE_ATTRIBUTES = frozenset({"data", "grad", "weight", "bias"})

BUILTIN_NAMES = frozenset("""
    print range len abs min max float int round sum bool str list tuple dict enumerate zip
    reversed True False None
""".split())
