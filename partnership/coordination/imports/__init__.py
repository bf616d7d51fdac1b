"""Onboarding a partnership: a coordinator imports what the partnership already keeps.

- ``areas``: areas from the municipality's GIS (GeoJSON or GeoPackage, in WGS 84, SWEREF 99
  or RT90), reprojected to WGS 84, checked and put in RFC 7946 order
  (``partnership.geometry``), each with its parent.
- ``directory``: organisations and initiatives from the spreadsheet the partnership keeps
  (CSV or XLSX, Swedish or English headers), every row checked by the rules of the forms
  the portal's pages use.
- ``files``: the checks every uploaded file passes first (size, encoding, kind), the same
  as the safety-walk import's (``partnership.problems.csv_import``).
- ``drafts``: the upload kept between its preview and the confirmation (``ImportDraft``).

Each import reads the whole file before anything is saved: a preview shows every row (or
area) with its errors; only a file without a single error can be confirmed, and the
confirmation reads the kept file again and saves all of it in one transaction, or nothing.
"""
