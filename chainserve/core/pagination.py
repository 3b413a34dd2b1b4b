"""The API's pagination (its own module: DRF imports it while rest_framework.generics is still loading)."""

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response

# The pages and the API count a list the same way: at most this many rows, then "10,000+".
COUNT_CAP = 10_000


class Pagination(LimitOffsetPagination):
    """Limit/offset pages of at most 1,000 rows: ?limit=10000000 must not read a whole table into one answer.

    The count stops at COUNT_CAP, as the pages' does (an exact COUNT(*) over a million filtered rows costs
    seconds): `count` is then COUNT_CAP and `count_capped` true, and the pages go as far as the count —
    narrow the filters, or export."""

    max_limit = 1000

    def get_count(self, queryset):
        counted = queryset.order_by()[: COUNT_CAP + 1].count() if hasattr(queryset, "order_by") else len(queryset)
        self.capped = counted > COUNT_CAP
        return min(counted, COUNT_CAP)

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        return Response({**response.data, "count_capped": self.capped})

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        schema["properties"]["count_capped"] = {"type": "boolean", "example": False}
        schema["required"] = [*schema.get("required", []), "count_capped"]
        return schema
