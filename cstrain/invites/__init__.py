"""Getting people signed in: the address links point to, and printable invite sheets.

The codes themselves are issued by :mod:`cstrain.server.auth`; this package knows where the
site is reached (:mod:`address`) and how a printed slip looks (:mod:`sheet`).
"""
