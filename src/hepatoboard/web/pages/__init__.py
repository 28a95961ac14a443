"""One router per page group: login/logout, recent list, case form, plan page, history."""
