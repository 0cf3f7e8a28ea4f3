from django import forms

from webhooks.models import Event


class SubscriptionForm(forms.Form):
    url = forms.URLField(label="Payload URL", max_length=500, assume_scheme="https",
                         help_text="Almanac POSTs each event here as JSON, signed (see below).")
    events = forms.MultipleChoiceField(choices=Event.choices, widget=forms.CheckboxSelectMultiple,
                                       label="Events", help_text="Events about your team's work.")
    description = forms.CharField(max_length=200, required=False,
                                  help_text="What listens, e.g. '#ml-alerts in chat'.")
