"""The JSON refusal every part of the security layer answers with (guard, job ownership,
error pages): ``{"error": code, "message": message}`` with the HTTP status."""

from __future__ import annotations

from flask import Response, jsonify


def deny_json(status: int, code: str, message: str) -> Response:
    response = jsonify({"error": code, "message": message})
    response.status_code = status
    return response
