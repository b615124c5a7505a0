"""The project's admin: the editorial desk every editorial model's admin builds on, and the
project's own models (users, the move history, redirects).

- `editorial.py`: `EditorialAdmin`, the desk's base, and its save rules;
- `forms.py`: `EditorialForm`, the change form that refuses a save over someone else's;
- `workflow_panel.py`, `revisions.py`, `preview_links.py`, `autosave.py`: the parts of the
  change form, each a mixin with its own URLs, views and context;
- `lists.py`: the capped count and the queue filter of the desk's lists;
- `users.py`, `history.py`, `redirects.py`: the project's own models.

Apps import `EditorialAdmin`, `EditorialForm` and `QueueFilter` from here.
"""

from . import history, redirects, users  # noqa: F401  (registers the project's own models)
from .editorial import EditorialAdmin
from .forms import EditorialForm
from .lists import CappedPaginator, QueueFilter

__all__ = ["CappedPaginator", "EditorialAdmin", "EditorialForm", "QueueFilter"]
