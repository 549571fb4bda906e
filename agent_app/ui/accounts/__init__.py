"""Accounts: the user's own password, and the admin's 用户管理 screen."""
