from __future__ import annotations

from typing import Any

from django import forms

from notifications.models import Kind, Preference


class PreferencesForm(forms.Form):
    """One choice per kind: email each one, daily digest, in Almanac only, or muted."""

    def __init__(self, *args: Any, initial_modes: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                label=kind.label, choices=Preference.Mode.choices, initial=initial_modes.get(kind.value))
