from django import forms


class ApiTokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What uses it, e.g. 'ci' or 'notebook'.")
    read_only = forms.BooleanField(required=False, label="Read-only",
                                   help_text="Can read, cannot change anything.")
    expires_days = forms.IntegerField(min_value=1, max_value=3650, required=False,
                                      label="Expires after (days)",
                                      help_text="Leave empty for no expiry.")
