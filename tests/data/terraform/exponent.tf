# HCL allows an exponent without a fraction; the tree-sitter grammar does not, so
# python-hcl2 reads this file.
locals {
  thousand = 1e3
  total    = var.count * 2 # doubled
}
