"""The panels of the workbench — 工作台 — one module per role: each returns the role's panels (core.panels), read
through the models' scoping (restrict); the enterprise's are in portal.panels."""
