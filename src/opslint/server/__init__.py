"""`opslint server`: the Language Server Protocol over stdio (the `opslint[lsp]` extra).

`checks` is what the server asks of the engine (a check of a document with the open
buffers overlaid, its safe fixes, a suppression); `protocol` speaks LSP through pygls.
"""
