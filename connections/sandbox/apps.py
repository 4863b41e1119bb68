from django.apps import AppConfig


class SandboxConfig(AppConfig):
    name = "connections.sandbox"
    label = "sandbox"
    verbose_name = "Sandbox platforms"
