"""The API's pagination (its own module: DRF imports it while rest_framework.generics is still loading)."""

from rest_framework.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    """Limit/offset pages of at most 1,000 rows: ?limit=10000000 must not read a whole table into one answer."""

    max_limit = 1000
