;; An active data segment that runs past the end of its one-page memory.
(module
  (memory 1)
  (data (i32.const 65534) "abcd"))
