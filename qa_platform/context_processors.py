from .roles import ROLE_LABELS, user_roles


def roles(request):
    names = user_roles(getattr(request, "user", None))
    return {
        "user_roles": names,
        "user_role_labels": [ROLE_LABELS[r] for r in ROLE_LABELS if r in names],
    }
