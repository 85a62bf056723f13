; fn.__doc__ = <expr> and tool.description = <expr>: a description rewritten at run time.
; @target is the attribute being set, @value what it is set to.
(assignment
  left: (attribute attribute: (identifier) @target)
  right: (_) @value) @match
