"""Plain text with ASCII/Unicode maths, both ways.

* :func:`text_to_latex` typesets the formulas inside plain-text fields (claim titles, step
  justifications, readings): ``n^η`` becomes ``$n^{\\eta}$``, ``lim_{λ→∞}`` becomes ``$\\lim_{\\lambda\\to\\infty}$``,
  ``S^(1/q)`` becomes ``$S^{1/q}$``, ``E^T E`` becomes ``$E^{\\top} E$``; prose stays prose, code
  identifiers (``get_E``, ``softmax_aggregate``) become ``\\texttt``.  A formula it cannot set safely
  (unbalanced brackets) stays escaped text, so the output always compiles.
* :func:`latex_to_text` turns the LaTeX of a statement or condition given as a string into plain text
  for the terminal (``$\\displaystyle W_K^\\top W_Q = 0$`` becomes ``W_Kᵀ W_Q = 0``).

Both are deterministic string functions of their input (no SymPy, no machine dependence).
"""

from __future__ import annotations

import re

# --- plain text -> LaTeX ----------------------------------------------------------------------------------

#: Unicode characters that are maths, with their LaTeX in math mode.
MATH_CHARS = {
    "λ": r"\lambda", "η": r"\eta", "σ": r"\sigma", "ω": r"\omega", "φ": r"\varphi", "μ": r"\mu",
    "ε": r"\varepsilon", "δ": r"\delta", "Δ": r"\Delta", "Σ": r"\sum", "∑": r"\sum", "π": r"\pi",
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "τ": r"\tau", "θ": r"\theta", "ρ": r"\rho",
    "κ": r"\kappa", "Π": r"\Pi", "∏": r"\prod", "ℓ": r"\ell", "≤": r"\le", "≥": r"\ge", "≠": r"\ne",
    "≈": r"\approx", "→": r"\to", "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "←": r"\leftarrow",
    "↦": r"\mapsto", "∞": r"\infty", "±": r"\pm", "×": r"\times", "·": r"\cdot", "−": "-", "∈": r"\in",
    "√": r"\surd", "‖": r"\|", "∂": r"\partial", "⊥": r"\perp", "≪": r"\ll", "≫": r"\gg", "∘": r"\circ",
    "∝": r"\propto", "⊕": r"\oplus", "≅": r"\cong", "≡": r"\equiv", "∀": r"\forall", "∃": r"\exists",
    "⟨": r"\langle", "⟩": r"\rangle", "∇": r"\nabla", "𝔼": r"\mathbb{E}", "ℝ": r"\mathbb{R}",
    "ℕ": r"\mathbb{N}", "½": r"\tfrac12", "Ã": r"\tilde{A}", "Â": r"\hat{A}",
}
_SUPER = {"ᵀ": r"\top", "²": "2", "³": "3", "⁻": "-", "¹": "1", "⁰": "0", "⁴": "4", "⁵": "5", "⁶": "6",
          "⁷": "7", "⁸": "8", "⁹": "9", "ⁿ": "n", "⁺": "+", "⁽": "(", "⁾": ")"}
_SUB = {"₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "ₖ": "k", "ᵢ": "i", "ⱼ": "j"}
#: Words set upright as operators inside a formula.
_OPERATORS = {"lim": r"\lim", "max": r"\max", "min": r"\min", "exp": r"\exp", "log": r"\log", "cos": r"\cos",
              "sin": r"\sin", "sum": r"\sum", "sup": r"\sup", "inf": r"\inf", "det": r"\det", "arg": r"\arg"}
#: Short words that may stand inside a formula (``(max - min)``, ``lse(σ; λ)``, ``diam(G)``).
_MATH_WORDS = set(_OPERATORS) | {"lse", "softargmax", "argmax", "diam", "floor", "ecc", "pma", "sym", "NumRank",
                                 "MAD", "MAX", "MIN", "Var", "psum", "mod"}
#: Two-letter words that are prose, not a product of two variables.
_PROSE2 = {"is", "as", "of", "in", "to", "on", "at", "by", "or", "if", "an", "be", "it", "we", "no", "so", "up",
           "iff", "and", "the", "all"}
_STRONG = set(MATH_CHARS) | set(_SUPER) | set(_SUB) | set("^=<>/") | {"\u0303"}
_CODE = re.compile(r"^[a-z]{3,}(_[A-Za-z0-9]+)+$")  # get_E, softmax_aggregate, power_mean_aggregate
_PUNCT_TAIL = ",;:.'"


def _is_code(tok: str) -> bool:
    core = tok.strip("()[],;:.'`")
    return bool(_CODE.match(core)) and core.split("_")[0] not in _OPERATORS


def _strong(tok: str) -> bool:
    """A token that is certainly a formula (it has a power, an index, a relation or a maths symbol)."""
    if _is_code(tok):
        return False
    core = tok.strip(_PUNCT_TAIL)
    if core in ("=", "<", ">", "->", "<=", ">=", "~"):
        return True
    if _prose(core) or core in ("(*)", "(*):"):
        return False
    if any(ch in _STRONG for ch in core):
        return core not in ("/",) and not re.fullmatch(r"[A-Za-z]+/[A-Za-z]+", core)  # and/or, per-row
    if "_" in core and re.search(r"[A-Za-z]_", core):
        return True
    return False


def _weak(tok: str) -> bool:
    """A token that may continue a formula: a letter, a number, an operator, a maths word, brackets."""
    core = tok.strip(_PUNCT_TAIL)
    if not core or _is_code(core) or _prose(core) or core in ("(*)", "(*):"):
        return False
    if core in ("+", "-", "*", "|", "(", ")", "...", ".."):
        return True
    letters = re.sub(r"[^A-Za-z]", "", core)
    words = re.findall(r"[A-Za-z]{2,}", core)
    if any(w not in _MATH_WORDS for w in words):
        return False
    if not letters:
        return bool(re.fullmatch(r"[-+*()|0-9.,/]+", core))
    return bool(re.fullmatch(r"[-+*()|\[\]0-9A-Za-z.,;/]+", core)) and (len(letters) <= 2 or bool(words))


def _prose(core: str) -> bool:
    """A token with an English word in it (``axis=0)``, ``π-weighted``): prose, whatever else it holds."""
    for w in re.findall(r"[A-Za-z]{2,}", core):
        if w in _MATH_WORDS:
            continue
        if len(w) >= 3 or w.lower() in _PROSE2:
            return True
    return False


def _group_end(s: str, i: int, open_: str, close: str) -> int:
    """Index of the bracket closing the one at ``s[i]`` (-1 if unbalanced)."""
    depth = 0
    for j in range(i, len(s)):
        if s[j] == open_:
            depth += 1
        elif s[j] == close:
            depth -= 1
            if depth == 0:
                return j
    return -1


class _Unsafe(ValueError):
    pass


def _math(s: str) -> str:
    """Convert one formula (plain text) to math-mode LaTeX; raise :class:`_Unsafe` if it cannot."""
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch in "^_":
            i += 1
            if i >= len(s):
                raise _Unsafe(s)
            nxt = s[i]
            if nxt in "({":
                j = _group_end(s, i, nxt, ")" if nxt == "(" else "}")
                if j < 0:
                    raise _Unsafe(s)
                inner = s[i + 1:j]
                body = _math(inner)
                if nxt == "(" and (ch == "_" or not re.search(r"[-+/*×·−]", inner)):
                    body = "(" + body + ")"  # |λ|_(2), x^(L): the parentheses are part of the notation
                out.append(ch + "{" + body + "}")
                i = j + 1
                continue
            m = re.match(r"[A-Za-z]+|[0-9]+|[^\s]", s[i:])
            tok = m.group(0)
            i += len(tok)
            if tok == "T" and ch == "^":
                out.append(r"^{\top}")
            elif len(tok) > 1 and tok.isalpha():
                if tok in _OPERATORS:
                    word = _OPERATORS[tok]
                elif len(tok) <= 3 and tok.islower() and tok not in _MATH_WORDS:
                    word = tok  # x_ki, d_ij: indices, set as letters
                else:
                    word = rf"\mathrm{{{tok}}}"
                if s[i:i + 1] == "(":  # ^floor(L/diam): the call is the exponent
                    j = _group_end(s, i, "(", ")")
                    if j < 0:
                        raise _Unsafe(s)
                    word += "(" + _math(s[i + 1:j]) + ")"
                    i = j + 1
                out.append(ch + "{" + word + "}")
            else:
                out.append(ch + "{" + _math(tok) + "}")
            continue
        if ch in _SUPER or ch in _SUB:
            table, mark = (_SUPER, "^") if ch in _SUPER else (_SUB, "_")
            j = i
            while j < len(s) and s[j] in table:
                j += 1
            out.append(mark + "{" + "".join(table[c] for c in s[i:j]) + "}")
            i = j
            continue
        if ch.isalpha() and ch.isascii():
            m = re.match(r"[A-Za-z]+", s[i:])
            word = m.group(0)
            tilde = i + len(word) < len(s) and s[i + len(word)] == "\u0303"
            if tilde and len(word) == 1:
                out.append(rf"\tilde{{{word}}}")
                i += 2
                continue
            i += len(word)
            if len(word) == 1 or (len(word) == 2 and word not in _OPERATORS):
                out.append(word)  # dS, dm: letters (a differential, a product)
            elif word in _OPERATORS:
                out.append(_OPERATORS[word] + " ")
            elif word.isupper() and len(word) <= 3 and word not in ("MAD", "MAX", "MIN"):
                out.append(word)  # a product of matrices (EX, WQ) reads as letters
            else:
                out.append(rf"\operatorname{{{word}}}")
            continue
        if ch in MATH_CHARS:
            out.append(MATH_CHARS[ch] + " ")
            i += 1
            if ch in "λσμωδ" and i < len(s) and s[i] in "0123456789":  # λ2: an index
                out[-1] = MATH_CHARS[ch] + "_" + s[i]
                i += 1
            continue
        if ch == "*":
            out.append(r"\cdot ")
        elif ch == "~":
            out.append(r"\sim ")
        elif ch in "&%$#\\":
            raise _Unsafe(s)
        elif ch in "{}":
            raise _Unsafe(s)  # only ^{...} and _{...} groups are maths braces
        elif ch == "'":
            out.append("'")
        elif ord(ch) >= 128:
            raise _Unsafe(s)
        else:
            out.append(ch)
        i += 1
    text = "".join(out)
    text = re.sub(r"\.\.(?=\S)", r"\\dots ", text)  # 0..n-1
    return text.replace("<=", r"\le ").replace(">=", r"\ge ").replace("->", r"\to ")


def _escape(text: str) -> str:
    from .latex import escape

    return escape(text)


def _quotes(text: str) -> str:
    """'quoted' -> `quoted' (LaTeX opening quote)."""
    return re.sub(r"(^|(?<=[\s(]))'(?=\S)", "`", text)


def _code(tok: str) -> str:
    m = re.match(r"^([(\[`']*)(.*?)([)\],;:.'`]*)$", tok)
    lead, core, tail = m.groups()
    return _escape(lead) + r"\texttt{" + _escape(core) + "}" + _escape(tail)


def text_to_latex(text: str) -> str:
    """Plain text with formulas -> LaTeX with the formulas typeset (always compiles)."""
    tokens = re.split(r"( +)", str(text))
    words = tokens[0::2]
    n = len(words)
    kind = ["strong" if _strong(w) else ("weak" if _weak(w) else ("code" if _is_code(w) else "text"))
            for w in words]
    out: list[str] = []
    i = 0
    while i < n:
        if kind[i] in ("strong", "weak"):
            j = i
            while j < n and kind[j] in ("strong", "weak"):
                j += 1
            # trim weak tokens at both ends that are plain letters/words (prose: "a", "of"), keep brackets
            run = list(range(i, j))
            if any(kind[k] == "strong" for k in run):
                while run and kind[run[0]] == "weak" and not _keeps_run(words[run[0]], first=True):
                    run.pop(0)
                while run and kind[run[-1]] == "weak" and not _keeps_run(words[run[-1]], first=False):
                    run.pop()
            while run and _unbalanced(" ".join(words[k] for k in run)):
                run.pop()  # "(π proportional": the bracket closes in prose, so the formula ends before it
            if run and any(kind[k] == "strong" for k in run):
                for k in range(i, run[0]):
                    out.append(_text_word(words[k]) + " ")
                out.append(_formula(" ".join(words[k] for k in run)))
                out.append(" ")
                for k in range(run[-1] + 1, j):
                    out.append(_text_word(words[k]) + " ")
            else:
                for k in range(i, j):
                    out.append(_text_word(words[k]) + " ")
            i = j
            continue
        out.append((_code(words[i]) if kind[i] == "code" else _text_word(words[i])) + " ")
        i += 1
    return "".join(out).rstrip(" ")


def _unbalanced(run: str) -> bool:
    core = run.rstrip(_PUNCT_TAIL)
    opened = core.count("(") - core.count(")")
    if opened == 1 and core.startswith("("):
        return False  # "(squeeze 1 ≤ S": _formula keeps the leading bracket outside
    if opened == -1 and core.endswith(")"):
        return False
    return opened != 0


def _keeps_run(tok: str, first: bool) -> bool:
    core = tok.strip(_PUNCT_TAIL)
    if re.fullmatch(r"[A-Za-z]", core):
        return core not in ("a", "A", "I")
    return True


def _text_word(w: str) -> str:
    return _quotes(_escape(w))


def _formula(run: str) -> str:
    """``$...$`` for a run of formula tokens; trailing sentence punctuation and unmatched outer
    brackets stay outside the maths; anything unsafe stays escaped text."""
    lead = ""
    tail = ""
    while run and run[-1] in _PUNCT_TAIL:
        tail = run[-1] + tail
        run = run[:-1]
    if run.startswith("(") and run.count("(") > run.count(")"):
        lead, run = "(", run[1:]
    if run.endswith(")") and run.count(")") > run.count("("):
        tail, run = ")" + tail, run[:-1]
    try:
        body = _math(run)
    except _Unsafe:
        return _text_word(lead + run + tail)
    if body.count("{") != body.count("}"):
        return _text_word(lead + run + tail)
    body = re.sub(r"\s+", " ", body).strip()
    return _escape(lead) + "$" + body + "$" + _escape(tail)


def heading(text: str) -> str:
    """A heading (section title, table cell) with its formulas typeset and a plain PDF-bookmark form."""
    tex = text_to_latex(text)
    if "$" not in tex:
        return tex
    return r"\texorpdfstring{" + tex + "}{" + _bookmark(text) + "}"


def _bookmark(text: str) -> str:
    """Plain text safe for a PDF bookmark (hyperref reads Unicode through ``\\texorpdfstring``)."""
    from .latex import escape

    return escape(re.sub(r"[\^_{}\\]", "", text))


# --- LaTeX -> plain text (terminal) ----------------------------------------------------------------------

_TEX_SYMBOLS = {
    r"\lambda": "λ", r"\eta": "η", r"\sigma": "σ", r"\omega": "ω", r"\varphi": "φ", r"\phi": "φ", r"\mu": "μ",
    r"\varepsilon": "ε", r"\epsilon": "ε", r"\delta": "δ", r"\Delta": "Δ", r"\Sigma": "Σ", r"\sum": "Σ",
    r"\pi": "π", r"\alpha": "α", r"\beta": "β", r"\gamma": "γ", r"\tau": "τ", r"\theta": "θ", r"\rho": "ρ",
    r"\kappa": "κ", r"\prod": "Π", r"\ell": "ℓ", r"\le": "≤", r"\leq": "≤", r"\ge": "≥", r"\geq": "≥",
    r"\ne": "≠", r"\neq": "≠", r"\approx": "≈", r"\to": "→", r"\rightarrow": "→", r"\Rightarrow": "⇒",
    r"\implies": "⇒", r"\iff": "⇔", r"\Leftrightarrow": "⇔", r"\leftarrow": "←", r"\mapsto": "↦",
    r"\infty": "∞", r"\pm": "±", r"\times": "×", r"\cdot": "·", r"\in": "∈", r"\notin": "∉",
    r"\partial": "∂", r"\perp": "⊥", r"\nabla": "∇", r"\top": "ᵀ", r"\forall": "∀", r"\exists": "∃",
    r"\setminus": "∖", r"\ll": "≪", r"\gg": "≫", r"\langle": "⟨", r"\rangle": "⟩", r"\lVert": "‖",
    r"\rVert": "‖", r"\|": "‖", r"\dots": "…", r"\ldots": "…", r"\cdots": "…", r"\vdots": "⋮",
    r"\wedge": "∧", r"\vee": "∨", r"\land": "∧", r"\lor": "∨", r"\neg": "¬", r"\lnot": "¬",
    r"\subseteq": "⊆", r"\cap": "∩", r"\cup": "∪", r"\emptyset": "∅", r"\rightrightarrows": "⇉",
    r"\surd": "√", r"\sim": "~", r"\mid": "|", r"\vert": "|", r"\lvert": "|", r"\rvert": "|",
}
_TEX_BLACKBOARD = {"R": "ℝ", "N": "ℕ", "E": "𝔼", "Z": "ℤ", "C": "ℂ", "Q": "ℚ"}


def _tex_group(s: str, i: int) -> tuple[str, int]:
    """The argument at ``s[i]``: a ``{...}`` group or one character; returns (content, next index)."""
    while i < len(s) and s[i] == " ":
        i += 1
    if i >= len(s):
        return "", i
    if s[i] == "{":
        j = _group_end(s, i, "{", "}")
        if j < 0:
            return s[i + 1:], len(s)
        return s[i + 1:j], j + 1
    if s[i] == "\\":
        m = re.match(r"\\[A-Za-z]+|\\.", s[i:])
        return m.group(0), i + len(m.group(0))
    return s[i], i + 1


def latex_to_text(tex: str) -> str:
    """LaTeX (a statement or condition given as a string) -> readable plain text (Unicode)."""
    s = str(tex)
    out: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch == "$":
            i += 1
            continue
        if ch == "\\":
            m = re.match(r"\\([A-Za-z]+)|\\(.)", s[i:])
            name = m.group(0)
            i += len(name)
            if name in (r"\frac", r"\tfrac", r"\dfrac"):
                a, i = _tex_group(s, i)
                b, i = _tex_group(s, i)
                a, b = latex_to_text(a), latex_to_text(b)
                out.append(f"{_paren(a)}/{_paren(b)}")
            elif name in (r"\sqrt",):
                a, i = _tex_group(s, i)
                out.append(f"√{_paren(latex_to_text(a))}")
            elif name in (r"\mathbb",):
                a, i = _tex_group(s, i)
                out.append(_TEX_BLACKBOARD.get(a.strip(), a))
            elif name in (r"\text", r"\mathrm", r"\operatorname", r"\mathit", r"\textit", r"\textbf", r"\mathbf",
                          r"\texttt", r"\mathsf", r"\mathcal", r"\emph", r"\boldsymbol", r"\mbox", r"\textrm",
                          r"\hat", r"\bar", r"\tilde", r"\widetilde", r"\overline", r"\vec", r"\underbrace",
                          r"\substack"):
                a, i = _tex_group(s, i)
                inner = latex_to_text(a)
                if name == r"\substack":
                    inner = inner.replace(";", ",")
                out.append({r"\tilde": inner + "\u0303", r"\widetilde": inner + "\u0303",
                            r"\hat": inner + "\u0302", r"\bar": inner + "\u0304"}.get(name, inner))
            elif name in (r"\left", r"\right", r"\bigl", r"\bigr", r"\Bigl", r"\Bigr", r"\big", r"\Big",
                          r"\displaystyle", r"\textstyle", r"\limits", r"\nolimits", r"\!", r"\rm", r"\it"):
                if name in (r"\left", r"\right") and s[i:i + 1] == ".":
                    i += 1
            elif name in (r"\,", r"\;", r"\:", r"\ ", r"\quad", r"\qquad", r"\enspace", r"\thinspace"):
                out.append(" ")
            elif name in (r"\{", r"\}", r"\_", r"\%", r"\&", r"\#", r"\$"):
                out.append(name[1])
            elif name == r"\\":
                out.append("; ")
            elif name in (r"\begin", r"\end"):
                _, i = _tex_group(s, i)
            elif name in _TEX_SYMBOLS:
                out.append(_TEX_SYMBOLS[name])
            elif name[1:] in ("lim", "max", "min", "exp", "log", "cos", "sin", "sup", "inf", "det", "arg",
                              "operatorname"):
                out.append(name[1:])
            else:
                out.append(name[1:])
            continue
        if ch in "{}":
            i += 1
            continue
        if ch == "&":
            out.append(" ")
            i += 1
            continue
        if ch in "^_":
            a, i = _tex_group(s, i + 1)
            inner = latex_to_text(a)
            if ch == "^" and inner == "ᵀ":
                out.append("ᵀ")
            elif len(inner) == 1 or re.fullmatch(r"[A-Za-z0-9]", inner):
                out.append(ch + inner)
            else:
                out.append(f"{ch}({inner})" if ch == "^" else f"_{{{inner}}}")
            continue
        if ch == "~":
            out.append(" ")
            i += 1
            continue
        out.append(ch)
        i += 1
    return re.sub(r"[ \t]+", " ", "".join(out)).strip()


def _paren(s: str) -> str:
    return s if re.fullmatch(r"[\w.ᵀ|‖]+", s) else f"({s})"
