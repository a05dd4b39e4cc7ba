"""Form helpers: choices restricted to the user's scope, and service errors onto forms."""

from __future__ import annotations

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError


class ScopedModelForm(forms.ModelForm):
    """A ModelForm whose relation choices only offer what the user may see."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "restrict"):
                field.queryset = queryset.restrict(user, "view")
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"


def apply_form_errors(form: forms.BaseForm, error: ValidationError | PermissionDenied) -> None:
    """Put a service's ValidationError onto the form, field by field where it can; a refusal
    (PermissionDenied) becomes a form-wide error."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error))
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(target if field != NON_FIELD_ERRORS else None, item)
    else:
        for message in error.messages:
            form.add_error(None, message)
