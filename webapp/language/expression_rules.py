"""The checker's rules for expressions: names, attributes, calls and their keywords,
literals, operators, f-strings and `.format`. Mixed into `checker.Checker`, whose
`refuse(node, message id, **fields)` notes a refusal and goes on."""
import ast
import difflib

from webapp.core import limits
from webapp.language import formats, names
from webapp.language.constructs import ALLOWED_BINOPS, ALLOWED_COMPARE, ALLOWED_UNARY

# `torch.optim.X`, `nn.X`, `torch.autograd.X`: an unlisted X is told what the module offers.
MODULE_MEMBERS = {"optim": names.OPTIMIZERS, "nn": names.NN_MODULES | {"functional"},
                  "autograd": names.AUTOGRAD_FUNCTIONS}
CONVERSIONS = {-1: None, ord("s"): "s", ord("r"): "r"}


def module_of(node):
    """The module an attribute is read from, when it is `...optim`, `nn` and so on."""
    value = node.value
    name = value.attr if isinstance(value, ast.Attribute) else getattr(value, "id", None)
    return name if name in MODULE_MEMBERS else None


def is_make_dot(node):
    """`make_dot(...)` or `torchviz.make_dot(...)`."""
    func = node.func if isinstance(node, ast.Call) else None
    return (isinstance(func, ast.Name) and func.id == "make_dot"
            or isinstance(func, ast.Attribute) and func.attr == "make_dot")


class ExpressionRules:

    def check_identifier(self, node, name):
        if name.startswith("_"):
            self.refuse(node, "underscore-name", name=name)
        elif not name.isascii():
            self.refuse(node, "non-ascii-name", name=name)

    def check_Name(self, node, parent):
        self.check_identifier(node, node.id)

    def check_arg(self, node, parent):
        self.check_identifier(node, node.arg)

    def check_Attribute(self, node, parent):
        if isinstance(parent, ast.Attribute) and parent.value is node:
            return                       # the outermost attribute checks the whole chain
        chain = []                       # torch.hub.load: name '.hub', the first offender
        link = node
        while isinstance(link, ast.Attribute):
            chain.append(link)
            link = link.value
        for attribute in reversed(chain):
            if attribute.attr.startswith("_") or not attribute.attr.isascii():
                self.check_identifier(attribute, attribute.attr)
            elif attribute.attr not in names.ATTRIBUTE_NAMES or self.not_in_module(attribute):
                self.refuse_attribute(attribute)
            else:
                continue
            return                       # the first offender only: the rest hang off it

    @staticmethod
    def not_in_module(attribute):
        module = module_of(attribute)
        return module is not None and attribute.attr not in MODULE_MEMBERS[module] \
            and attribute.attr[:1].isupper()

    def refuse_attribute(self, attribute):
        module = module_of(attribute)
        if attribute.attr in ("render", "view", "save") and is_make_dot(attribute.value):
            self.refuse(attribute, "no-render")
        elif module is not None:
            self.refuse(attribute, f"not-in-{module}", attribute=attribute.attr,
                        names=", ".join(sorted(MODULE_MEMBERS[module])))
        else:
            self.refuse_name(attribute, "attribute", attribute.attr, names.ATTRIBUTE_NAMES)

    def refuse_name(self, node, kind, name, allowed):
        """`kind`-not-allowed, or -close-match naming the allowed name it is nearest to."""
        close = difflib.get_close_matches(name, sorted(allowed), n=1, cutoff=0.75)
        if close:
            self.refuse(node, f"{kind}-close-match", **{kind: name}, close=close[0])
        else:
            self.refuse(node, f"{kind}-not-allowed", **{kind: name})

    def check_Call(self, node, parent):
        allowed = names.KEYWORDS
        if isinstance(node.func, ast.Name) and node.func.id in self.user_keywords:
            allowed = allowed | self.user_keywords[node.func.id]
        if isinstance(node.func, ast.Attribute) and node.func.attr == "format":
            allowed = allowed | self.check_format_call(node)
        for keyword in node.keywords:
            if keyword.arg is None:
                self.refuse(keyword, "no-double-star")
            elif keyword.arg.startswith("_") or not keyword.arg.isascii():
                self.check_identifier(keyword, keyword.arg)
            elif keyword.arg not in allowed:
                self.refuse_name(keyword, "keyword", keyword.arg, allowed)

    def check_format_call(self, node):
        """`'...'.format(...)`: the keywords its template names (refusals noted)."""
        template = node.func.value
        if not (isinstance(template, ast.Constant) and isinstance(template.value, str)):
            self.refuse(node, "format-on-literal")
            return set()
        problem = formats.template_problem(template.value)
        if problem:
            self.refuse(template, problem[0], **problem[1])
            return set()
        return formats.template_keywords(template.value)

    def check_Starred(self, node, parent):
        if not (isinstance(parent, ast.Call) and node in parent.args):
            self.refuse(node, "star-only-in-calls")

    def check_Dict(self, node, parent):
        if any(key is None for key in node.keys):
            self.refuse(node, "no-double-star")

    def check_FormattedValue(self, node, parent):
        if node.conversion not in CONVERSIONS:
            self.refuse(node, "format-conversion", conversion=chr(node.conversion))
        spec = node.format_spec
        if spec is None:
            return
        if not all(isinstance(part, ast.Constant) for part in spec.values):
            self.refuse(spec, "format-nested")
            return
        problem = formats.spec_problem("".join(part.value for part in spec.values))
        if problem:
            self.refuse(spec, problem[0], **problem[1])

    def check_Constant(self, node, parent):
        value = node.value
        if isinstance(value, (bytes, complex)) or value is Ellipsis:
            self.refuse(node, "literal-not-allowed", kind=type(value).__name__)
        elif isinstance(value, str) and len(value) > limits.MAX_STRING_CHARS:
            self.refuse(node, "string-too-long", limit=limits.MAX_STRING_CHARS)
        elif isinstance(value, int) and value.bit_length() > limits.MAX_INT_BITS:
            self.refuse(node, "number-too-large")

    def check_BinOp(self, node, parent):
        self.check_operator(node, node.op)

    def check_operator(self, node, op):
        if not isinstance(op, ALLOWED_BINOPS):
            self.refuse(node, "operator-not-allowed", operator=type(op).__name__)

    def check_UnaryOp(self, node, parent):
        if not isinstance(node.op, ALLOWED_UNARY):
            self.refuse(node, "operator-not-allowed", operator=type(node.op).__name__)

    def check_Compare(self, node, parent):
        for op in node.ops:
            if not isinstance(op, ALLOWED_COMPARE):
                self.refuse(node, "operator-not-allowed", operator=type(op).__name__)
