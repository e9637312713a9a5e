"""The team API's routes, one module per resource. Each imports :mod:`cstrain.server.deps` and
domain code only; :mod:`cstrain.server.app` is the one place that registers them."""
