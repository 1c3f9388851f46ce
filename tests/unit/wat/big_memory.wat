;; Asks for 10 pages up front (an engine limited to fewer must refuse to instantiate it).
(module (memory (export "mem") 10))
