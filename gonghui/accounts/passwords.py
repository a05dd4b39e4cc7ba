"""Password policy: length (settings, with a Chinese message) plus at least three character classes."""

from __future__ import annotations

import re

from django.contrib.auth import password_validation
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


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule with a Chinese message (Django 5.2's zh-hans catalogue lacks the new wording)."""

    def get_error_message(self):
        return f"密码太短，至少需要 {self.min_length} 个字符。"

    def get_help_text(self):
        return f"密码至少需要 {self.min_length} 个字符。"
