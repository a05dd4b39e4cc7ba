"""Password policy: length (settings) plus at least three character classes."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError


class CharacterClassValidator:
    classes = (
        (re.compile(r"[a-z]"), "小写字母"),
        (re.compile(r"[A-Z]"), "大写字母"),
        (re.compile(r"[0-9]"), "数字"),
        (re.compile(r"[^a-zA-Z0-9]"), "特殊符号"),
    )

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        present = sum(1 for pattern, _ in self.classes if pattern.search(password))
        if present < self.min_classes:
            raise ValidationError(
                f"密码须至少包含大写字母、小写字母、数字、特殊符号中的 {self.min_classes} 类。",
                code="password_too_simple",
            )

    def get_help_text(self):
        return f"密码须至少包含大写字母、小写字母、数字、特殊符号中的 {self.min_classes} 类。"
