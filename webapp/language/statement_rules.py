"""The checker's rules for statements: what may be assigned to, `def` and `lambda`, loops,
`with`, imports. Mixed into `checker.Checker`, whose `refuse(node, message id, **fields)`
notes a refusal and goes on."""
import ast

from webapp.language import names
from webapp.language.constructs import FROM_IMPORTABLE, IMPORTABLE


def user_function_keywords(tree):
    """name -> parameter names, for each function the program defines (`def f` or
    `f = lambda ...`) under a name it binds in no other way: calls to those may pass their
    own parameters as keywords. A name also bound otherwise (a parameter, a loop variable, an
    import, another assignment) might hold a library function, so it gets only the listed
    keywords."""
    defined, lambda_targets, bound_otherwise = {}, set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            defined.setdefault(node.name, set()).update(parameters(node.args))
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Lambda):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    lambda_targets.add(id(target))
                    defined.setdefault(target.id, set()).update(parameters(node.value.args))
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) \
                and id(node) not in lambda_targets:
            bound_otherwise.add(node.id)
        elif isinstance(node, ast.arg):
            bound_otherwise.add(node.arg)
        elif isinstance(node, ast.alias):
            bound_otherwise.add(node.asname or node.name.split(".")[0])
    return {name: params for name, params in defined.items() if name not in bound_otherwise}


def parameters(args):
    return {arg.arg for arg in args.args}


def is_name_chain(node):
    """`x`, `layer.weight`: a name, or attributes of one."""
    while isinstance(node, ast.Attribute):
        node = node.value
    return isinstance(node, ast.Name)


class StatementRules:

    def check_Assign(self, node, parent):
        for target in node.targets:
            self.check_target(target, node.value)

    def check_AugAssign(self, node, parent):
        self.check_operator(node, node.op)
        target = node.target
        if isinstance(target, ast.Attribute) and target.attr == "grad":
            self.refuse(target, "grad-only-none")
        elif not isinstance(target, (ast.Name, ast.Attribute, ast.Subscript)):
            self.refuse(target, "augmented-target")
        else:
            self.check_target(target, None)

    def check_target(self, target, value):
        if isinstance(target, (ast.Name, ast.Starred)):
            return                       # a starred target is refused by check_Starred
        if isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.check_target(element, None)
        elif isinstance(target, ast.Attribute):
            self.check_attribute_target(target, value)
        elif isinstance(target, ast.Subscript):
            base = target.value
            while isinstance(base, ast.Subscript):
                base = base.value
            if not (isinstance(base, ast.Name) or isinstance(base, ast.Attribute)
                    and base.attr == "data" and is_name_chain(base)):
                self.refuse(target, "assign-target")
        else:
            self.refuse(target, "assign-target")

    def check_attribute_target(self, target, value):
        if target.attr.startswith("_"):
            return                       # check_Attribute refuses the name itself
        if target.attr not in names.STORABLE_ATTRIBUTES or not is_name_chain(target):
            self.refuse(target, "attribute-target", attribute=target.attr)
        elif target.attr == "grad" and not (isinstance(value, ast.Constant)
                                            and value.value is None):
            self.refuse(target, "grad-only-none")

    def check_FunctionDef(self, node, parent):
        self.check_identifier(node, node.name)
        if node.decorator_list:
            self.refuse(node.decorator_list[0], "no-decorators")
        if node.returns:
            self.refuse(node.returns, "no-annotations")
        self.check_parameters(node, node.args)

    def check_Lambda(self, node, parent):
        self.check_parameters(node, node.args)

    def check_parameters(self, node, args):
        if args.vararg or args.kwarg:
            self.refuse(node, "def-star-parameters")
        if args.kwonlyargs or args.posonlyargs:
            self.refuse(node, "def-keyword-only")
        for arg in args.args:
            if arg.annotation:
                self.refuse(arg.annotation, "no-annotations")

    def check_For(self, node, parent):
        self.check_loop_target(node.target)
        if node.orelse:
            self.refuse(node.orelse[0], "loop-else")

    def check_While(self, node, parent):
        if node.orelse:
            self.refuse(node.orelse[0], "loop-else")

    def check_comprehension(self, node, parent):
        self.check_loop_target(node.target)
        if node.is_async:
            self.refuse(node.target, "no-async")

    def check_loop_target(self, target):
        elements = [target]
        while elements:
            element = elements.pop()
            if isinstance(element, (ast.Tuple, ast.List)):
                elements.extend(element.elts)
            elif not isinstance(element, ast.Name):
                self.refuse(element, "loop-target")

    def check_With(self, node, parent):
        if len(node.items) != 1 or not self.is_grad_mode(node.items[0]):
            self.refuse(node, "with-grad-mode-only")

    @staticmethod
    def is_grad_mode(item):
        call = item.context_expr
        return (item.optional_vars is None and isinstance(call, ast.Call)
                and not call.args and not call.keywords
                and isinstance(call.func, ast.Attribute) and call.func.attr in names.GRAD_MODES
                and isinstance(call.func.value, ast.Name))

    def check_Import(self, node, parent):
        for alias in node.names:
            if alias.name not in IMPORTABLE:
                self.refuse(node, "import-not-allowed", module=alias.name,
                            modules=", ".join(IMPORTABLE))
            if alias.asname:
                self.check_identifier(node, alias.asname)

    def check_ImportFrom(self, node, parent):
        allowed = FROM_IMPORTABLE.get(node.module)
        for alias in node.names:
            if node.level or allowed is None:
                self.refuse(node, "import-not-allowed", module=node.module or ".",
                            modules=", ".join(IMPORTABLE))
                return
            if alias.name not in allowed:
                self.refuse(node, "import-name-not-allowed", module=node.module,
                            name=alias.name, names=", ".join(sorted(allowed)))
            if alias.asname:
                self.check_identifier(node, alias.asname)
