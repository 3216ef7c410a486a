"""The catalog of messages a user can be shown about the program they wrote, in English and
Japanese: message id -> {"en": text, "ja": text}, with `{placeholders}` (str.format) filled in
by `text`. The checker notes refusals by id; the answer's language picks the text.
"""
LANGUAGES = ("en", "ja")
DEFAULT_LANGUAGE = "en"

MESSAGES = {
    "source-too-long": {
        "en": "The program has {chars} characters; the limit is {limit}.",
        "ja": "プログラムが {chars} 文字あります。上限は {limit} 文字です。"},
    "query-too-long": {
        "en": "The address has {bytes} bytes after '?'; the limit is {limit}. Send the program "
              "in a POST to /api/graph, or share it with the page's link (which keeps it after "
              "'#').",
        "ja": "アドレスの '?' 以降が {bytes} バイトあります。上限は {limit} バイトです。プログラムは "
              "POST で /api/graph に送るか、ページのリンク ('#' 以降に保存されます) で共有してください。"},
    "too-many-statements": {
        "en": "The program has more than {limit} statements.",
        "ja": "プログラムの文が {limit} 個を超えています。"},
    "nested-too-deeply": {
        "en": "The program is nested too deeply (the limit is {limit} levels).",
        "ja": "プログラムの入れ子が深すぎます (上限は {limit} 段です)。"},
    "syntax-error": {
        "en": "Syntax error: {error}.",
        "ja": "構文エラー: {error}。"},
    "unreadable": {
        "en": "The program cannot be read: {error}.",
        "ja": "プログラムを読み取れません: {error}。"},
    "return-outside-function": {
        "en": "'return' outside function",
        "ja": "関数の外で 'return' は使えません ('return' outside function)。"},
    "break-outside-loop": {
        "en": "'break' outside loop",
        "ja": "ループの外で 'break' は使えません ('break' outside loop)。"},
    "continue-outside-loop": {
        "en": "'continue' not properly in loop",
        "ja": "ループの外で 'continue' は使えません ('continue' not properly in loop)。"},
    "construct-not-allowed": {
        "en": "{construct} is not allowed.",
        "ja": "{construct} は使えません。"},
    "no-class": {
        "en": "class is not allowed: define functions with def instead (a function can return "
              "several values: return w, b).",
        "ja": "class は使えません。代わりに def で関数を定義してください (関数は複数の値を返せます: "
              "return w, b)。"},
    "no-try": {
        "en": "try is not allowed: let the error show (it is reported with its line), or check "
              "with if beforehand.",
        "ja": "try は使えません。エラーはそのまま行番号付きで表示されます。事前に if で確かめてください。"},
    "no-global": {
        "en": "global is not allowed: pass the value to the function and return the new one.",
        "ja": "global は使えません。値を関数に渡し、新しい値を return してください。"},
    "no-nonlocal": {
        "en": "nonlocal is not allowed: return the new value from the inner function instead.",
        "ja": "nonlocal は使えません。内側の関数から新しい値を return してください。"},
    "no-set": {
        "en": "Sets are not allowed: use a list [...] or a dict {{key: value}}.",
        "ja": "集合 (set) は使えません。リスト [...] か辞書 {{key: value}} を使ってください。"},
    "no-del": {
        "en": "del is not allowed: assign a new value instead (for a gradient: x.grad = None).",
        "ja": "del は使えません。新しい値を代入してください (勾配なら x.grad = None)。"},
    "no-raise": {
        "en": "raise is not allowed: write assert condition, 'message' to stop with a message.",
        "ja": "raise は使えません。メッセージ付きで止めるには assert 条件, 'メッセージ' と書いてください。"},
    "no-async": {
        "en": "async and await are not allowed: write ordinary functions and loops.",
        "ja": "async と await は使えません。普通の関数とループで書いてください。"},
    "no-yield": {
        "en": "yield is not allowed: build a list and return it.",
        "ja": "yield は使えません。リストを作って return してください。"},
    "no-walrus": {
        "en": "The walrus operator := is not allowed: assign on a line of its own first.",
        "ja": "代入式 := は使えません。先に別の行で代入してください。"},
    "no-match": {
        "en": "match is not allowed: use if / elif / else.",
        "ja": "match は使えません。if / elif / else を使ってください。"},
    "underscore-name": {
        "en": "Names starting with an underscore are not allowed: '{name}'.",
        "ja": "アンダースコアで始まる名前は使えません: '{name}'。"},
    "non-ascii-name": {
        "en": "Names must be written in ASCII letters: '{name}'.",
        "ja": "名前は半角英数字で書いてください: '{name}'。"},
    "attribute-not-allowed": {
        "en": "The attribute '.{attribute}' is not allowed (docs/language.md lists those that "
              "are).",
        "ja": "属性 '.{attribute}' は使えません (使えるものは docs/language.md にあります)。"},
    "attribute-close-match": {
        "en": "The attribute '.{attribute}' is not allowed; did you mean '.{close}'?",
        "ja": "属性 '.{attribute}' は使えません。'.{close}' のことですか?"},
    "not-in-optim": {
        "en": "'.{attribute}' is not available in torch.optim: the optimizers here are "
              "{names}.",
        "ja": "torch.optim の '.{attribute}' は使えません。使える最適化手法は {names} です。"},
    "not-in-nn": {
        "en": "'.{attribute}' is not available in torch.nn: the modules here are {names}.",
        "ja": "torch.nn の '.{attribute}' は使えません。使えるモジュールは {names} です。"},
    "not-in-autograd": {
        "en": "'.{attribute}' is not available in torch.autograd: use {names}.",
        "ja": "torch.autograd の '.{attribute}' は使えません。{names} を使ってください。"},
    "no-render": {
        "en": "make_dot(y) draws nothing here and writes no file: the page's torchviz view is "
              "its drawing. Leave out .render(...).",
        "ja": "ここでは make_dot(y) は何も描かず、ファイルも書きません。ページの torchviz 表示が"
              "その図です。.render(...) は外してください。"},
    "keyword-not-allowed": {
        "en": "The keyword argument '{keyword}=' is not allowed.",
        "ja": "キーワード引数 '{keyword}=' は使えません。"},
    "keyword-close-match": {
        "en": "The keyword argument '{keyword}=' is not allowed; did you mean '{close}='?",
        "ja": "キーワード引数 '{keyword}=' は使えません。'{close}=' のことですか?"},
    "no-double-star": {
        "en": "'**' unpacking is not allowed: write the keyword arguments out (name=value).",
        "ja": "'**' による展開は使えません。キーワード引数を name=value の形で書いてください。"},
    "star-only-in-calls": {
        "en": "'*' is allowed only among a call's arguments, as in print(*xs); to unpack, name "
              "each part: a, b = pair.",
        "ja": "'*' は print(*xs) のように呼び出しの引数でだけ使えます。分解するには a, b = pair の"
              "ように各部分に名前を付けてください。"},
    "format-on-literal": {
        "en": "'.format' is allowed only on a string literal, as in '{{:.3f}}'.format(x); or "
              "use an f-string.",
        "ja": "'.format' は '{{:.3f}}'.format(x) のように文字列リテラルにだけ使えます。"
              "f 文字列も使えます。"},
    "format-template": {
        "en": "The format string cannot be read: {error}.",
        "ja": "書式文字列を読み取れません: {error}。"},
    "format-field": {
        "en": "'{field}' is not allowed inside braces: name a position or a keyword ({{0}}, "
              "{{loss}}) and compute anything else before formatting.",
        "ja": "波かっこの中に '{field}' は書けません。位置かキーワード ({{0}}, {{loss}}) を書き、"
              "それ以外は書式化の前に計算してください。"},
    "format-conversion": {
        "en": "'!{conversion}' is not allowed in a format: use !r, !s or neither.",
        "ja": "書式に '!{conversion}' は使えません。!r か !s を使うか、何も付けないでください。"},
    "format-nested": {
        "en": "A format spec cannot hold another {{...}}: write width and precision as numbers, "
              "as in {{x:8.3f}}.",
        "ja": "書式指定の中に {{...}} は書けません。幅と精度は {{x:8.3f}} のように数字で書いてください。"},
    "format-spec": {
        "en": "The format spec '{spec}' is not one of Python's: write e.g. .4f, >8, .3e or ,.",
        "ja": "書式指定 '{spec}' は Python の書式ではありません。.4f, >8, .3e, , などを使ってください。"},
    "format-width": {
        "en": "Format widths are limited to {limit}.",
        "ja": "書式の幅は {limit} までです。"},
    "format-precision": {
        "en": "Format precisions are limited to {limit}.",
        "ja": "書式の精度は {limit} 桁までです。"},
    "literal-not-allowed": {
        "en": "{kind} literals are not allowed.",
        "ja": "{kind} のリテラルは使えません。"},
    "string-too-long": {
        "en": "Strings are limited to {limit} characters.",
        "ja": "文字列は {limit} 文字までです。"},
    "number-too-large": {
        "en": "This number is too large.",
        "ja": "この数は大きすぎます。"},
    "operator-not-allowed": {
        "en": "The operator {operator} is not allowed.",
        "ja": "演算子 {operator} は使えません。"},
    "assign-target": {
        "en": "Only names, tuples of names, NAME.data, x.grad = None and indexed names "
              "(h[i] = ...) can be assigned to.",
        "ja": "代入できるのは名前、名前のタプル、NAME.data、x.grad = None、添字付きの名前 "
              "(h[i] = ...) だけです。"},
    "augmented-target": {
        "en": "Augmented assignment (+= and so on) works on names, NAME.data and indexed names "
              "(h[i] += ...).",
        "ja": "累算代入 (+= など) は名前、NAME.data、添字付きの名前 (h[i] += ...) にだけ使えます。"},
    "attribute-target": {
        "en": "'.{attribute}' cannot be assigned to: only NAME.data = ..., NAME.grad = None "
              "and a layer's .weight and .bias (to change requires_grad, call x.requires_grad_()).",
        "ja": "'.{attribute}' には代入できません。使えるのは NAME.data = ...、NAME.grad = None と"
              "層の .weight、.bias だけです (requires_grad を変えるには x.requires_grad_() を呼んでください)。"},
    "grad-only-none": {
        "en": "A gradient can only be cleared: write x.grad = None or x.grad.zero_().",
        "ja": "勾配は消すことだけができます。x.grad = None か x.grad.zero_() と書いてください。"},
    "no-decorators": {
        "en": "Decorators are not allowed: call the function yourself (for no_grad, write "
              "with torch.no_grad(): inside it).",
        "ja": "デコレータは使えません。関数を直接呼んでください (no_grad なら関数の中で "
              "with torch.no_grad(): と書いてください)。"},
    "no-annotations": {
        "en": "Type annotations are not allowed: remove them (def f(x): ...).",
        "ja": "型注釈は使えません。外してください (def f(x): ...)。"},
    "def-star-parameters": {
        "en": "*args and **kwargs parameters are not allowed: name each parameter, or pass a "
              "list.",
        "ja": "*args と **kwargs の仮引数は使えません。仮引数に一つずつ名前を付けるか、リストを渡してください。"},
    "def-keyword-only": {
        "en": "Keyword-only and positional-only parameters are not allowed: list plain "
              "parameters, with defaults where wanted (def f(x, lr=0.1)).",
        "ja": "キーワード専用・位置専用の仮引数は使えません。普通の仮引数を並べ、必要なら既定値を付けて"
              "ください (def f(x, lr=0.1))。"},
    "loop-else": {
        "en": "else after a loop is not allowed: set a flag in the loop and test it after.",
        "ja": "ループの後の else は使えません。ループ内でフラグを立て、ループの後で調べてください。"},
    "loop-target": {
        "en": "A loop variable must be a name or a tuple of names, as in "
              "for i, x in enumerate(xs).",
        "ja": "ループ変数は名前か名前のタプルにしてください (for i, x in enumerate(xs) など)。"},
    "with-grad-mode-only": {
        "en": "Only with torch.no_grad(): and with torch.enable_grad(): are allowed (one at a "
              "time, without as).",
        "ja": "使える with は with torch.no_grad(): と with torch.enable_grad(): だけです "
              "(一度に一つ、as なし)。"},
    "import-not-allowed": {
        "en": "Importing '{module}' is not allowed: only {modules} can be imported.",
        "ja": "'{module}' の import は使えません。import できるのは {modules} だけです。"},
    "document-too-large": {
        "en": "The graph's JSON would be {size} bytes, more than the limit for a graph of this "
              "size: {per_item} bytes per node and edge ({items} of them) + {floor}, {most} bytes "
              "(DOCUMENT_BYTES_PER_ITEM). Make its tensors or its Jacobians smaller.",
        "ja": "グラフの JSON が {size} バイトになり、この大きさのグラフの上限 (ノードと辺 {items} 個に"
              "それぞれ {per_item} バイト + {floor}、{most} バイト: DOCUMENT_BYTES_PER_ITEM) を超えます。"
              "テンソルやヤコビアンを小さくしてください。"},
    "import-name-not-allowed": {
        "en": "'{name}' cannot be imported from {module}; it offers {names}.",
        "ja": "{module} から '{name}' は import できません。使えるのは {names} です。"},
    "drawing-cpu-limit": {
        "en": "Drawing this used {limit} s of processor time (RENDER_CPU_LIMIT_S) and was "
              "stopped. Ask for a smaller scale, one step, the SVG or the JSON instead.",
        "ja": "この図の作成が処理時間の上限 {limit} 秒 (RENDER_CPU_LIMIT_S) に達したため中止しました。"
              "小さい scale、1 ステップだけ、SVG か JSON を指定してください。"},
    "drawing-memory-limit": {
        "en": "Drawing this needed more than {limit} MB of memory (RENDER_MEMORY_BYTES) and "
              "was stopped. Ask for a smaller scale, one step, the SVG or the JSON instead.",
        "ja": "この図の作成がメモリの上限 {limit} MB (RENDER_MEMORY_BYTES) を超えたため中止しました。"
              "小さい scale、1 ステップだけ、SVG か JSON を指定してください。"},
    "drawing-wall-limit": {
        "en": "Drawing this took longer than {limit} s (RENDER_WALL_LIMIT_S) and was stopped. "
              "Ask for a smaller scale, one step, the SVG or the JSON instead.",
        "ja": "この図の作成が時間の上限 {limit} 秒 (RENDER_WALL_LIMIT_S) を超えたため中止しました。"
              "小さい scale、1 ステップだけ、SVG か JSON を指定してください。"},
    "drawing-queue-full": {
        "en": "Every drawing process is busy (waited {limit} s, RENDER_QUEUE_WAIT_S); try "
              "again in a moment.",
        "ja": "図を作るプロセスがすべて使用中です ({limit} 秒待ちました、RENDER_QUEUE_WAIT_S)。"
              "少し待ってからもう一度試してください。"},
    "drawing-interrupted": {
        "en": "The process drawing this answer stopped unexpectedly; it has been replaced, "
              "try again.",
        "ja": "この図を作っていたプロセスが予期せず停止しました。新しいプロセスに置き換えたので、"
              "もう一度試してください。"},
    "no-gradient-graph": {
        "en": "'gradient' {number}: the program kept {count} gradient graphs (gradients made "
              "with create_graph=True: the JSON's higher_order, numbered from 0).",
        "ja": "'gradient' {number}: このプログラムが残した勾配のグラフは {count} 個です "
              "(create_graph=True で作った勾配。JSON の higher_order、0 から番号付け)。"},
    "live-inputs-not-an-object": {
        "en": "'inputs' must be an object of names and numbers, such as {{\"x\": 1.5}} (in a "
              "query: x:1.5,w:-2).",
        "ja": "'inputs' は名前と数の組にしてください。例: {{\"x\": 1.5}} (クエリでは x:1.5,w:-2)。"},
    "live-input-not-a-number": {
        "en": "'inputs' must give '{name}' a finite number, not {value}.",
        "ja": "'inputs' の '{name}' には有限の数を指定してください ({value} は使えません)。"},
    "too-many-live-inputs": {
        "en": "'inputs' names {count} inputs; at most {limit} can be set at once "
              "(MAX_LIVE_INPUTS).",
        "ja": "'inputs' に入力が {count} 個あります。一度に指定できるのは {limit} 個までです "
              "(MAX_LIVE_INPUTS)。"},
    "live-input-unknown": {
        "en": "The program makes no input named '{name}' whose value can be set (its live "
              "inputs: {known}).",
        "ja": "プログラムには値を指定できる入力 '{name}' がありません (指定できる入力: {known})。"},
    "live-input-not-scalar": {
        "en": "'{name}' holds {count} numbers (shape {shape}); a live input is one number: a "
              "scalar such as torch.tensor(2.0, requires_grad=True).",
        "ja": "'{name}' は {count} 個の数 (形 {shape}) を持っています。値を指定できる入力は "
              "torch.tensor(2.0, requires_grad=True) のような一つの数 (スカラー) だけです。"},
    "live-input-not-a-leaf": {
        "en": "'{name}' is not a floating-point tensor that requires grad made by the program "
              "(such as torch.tensor(2.0, requires_grad=True)), so its value cannot be set.",
        "ja": "'{name}' はプログラムが作った requires_grad の浮動小数点テンソル "
              "(torch.tensor(2.0, requires_grad=True) など) ではないため、値を指定できません。"},
}


def text(message_id, lang=DEFAULT_LANGUAGE, **fields):
    """The message in `lang` (English if that language is not in the catalog), filled in;
    integers are written with thousands separators."""
    texts = MESSAGES[message_id]
    template = texts.get(lang, texts[DEFAULT_LANGUAGE])
    return template.format(**{k: f"{v:,}" if isinstance(v, int) and not isinstance(v, bool)
                              else v for k, v in fields.items()})
