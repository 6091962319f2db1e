"""The site's pages: HTML views and their URLs (faces layer).

A page reads through the domain apps (and starts work through `flow`); no domain app imports a
page. Templates are in `newsdesk/templates/<area>/`; template tags stay with the app whose data
they show.
"""
