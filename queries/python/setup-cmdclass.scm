; setup(cmdclass={"install": PostInstall}) and setup(cmdclass=dict(install=PostInstall)):
; the commands a package replaces. @callee is the setup call, @name the keyword, @key each
; overridden command name (quoted in the dict form).
(call
  function: (_) @callee
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @name
      value: (dictionary (pair key: (string) @key))))) @match

(call
  function: (_) @callee
  arguments: (argument_list
    (keyword_argument
      name: (identifier) @name
      value: (call
        function: (identifier) @target
        arguments: (argument_list (keyword_argument name: (identifier) @key)))))) @match
