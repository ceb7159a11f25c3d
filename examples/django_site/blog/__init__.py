"""The example's blog: a list of posts, and a page per post whose ``<head>`` carries its social preview."""
