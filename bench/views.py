from django.db import connection
from django.shortcuts import render

# The newest 50 initiatives: what a list page shows, in one indexed query.
QUERY = """
    SELECT id, slug, title, summary, status, starts_on, ends_on
    FROM initiatives_initiative
    ORDER BY id DESC
    LIMIT 50
"""


def reference(request):
    with connection.cursor() as cursor:
        cursor.execute(QUERY)
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    return render(request, "reference.html", {"rows": rows})
