;; memory.copy on its own, for the copies the interpreter splits (see copy_within_memory).
(module
  (memory (export "mem") 4)
  (func (export "copy") (param $to i32) (param $from i32) (param $n i32)
    (memory.copy (local.get $to) (local.get $from) (local.get $n))))
