"""Driving the Django admin the way a browser does: changelist actions and change forms."""

from typing import Any

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db.models import Model
from django.test import Client


def run_action(client: Client, changelist: str, action: str, objects: list[Model], **form: Any) -> Any:
    """Post an action from the changelist; with `form`, also submit its intermediate page."""
    selection = {"action": action, ACTION_CHECKBOX_NAME: [str(obj.pk) for obj in objects], "index": "0"}
    response = client.post(changelist, selection)
    if not form:
        return response
    assert response.status_code == 200, f"{action} did not show its form"
    return client.post(changelist, {**selection, "apply": "1", **form})


def change_form_data(client: Client, url: str, **changes: Any) -> dict[str, Any]:
    """What the change page would post back unchanged, with `changes` applied."""
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form.initial.get(name)
        if value is None:
            continue
        data[name] = "on" if value is True else ("" if value is False else value)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management.initial.get(name, 0)
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}
