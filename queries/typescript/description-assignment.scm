; tool.description = <expr> / tools[0].description = <expr>: a description rewritten at run time.
(assignment_expression
  left: (member_expression property: (property_identifier) @target)
  right: (_) @value) @match
