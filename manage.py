#!/usr/bin/env python
"""Django's command-line utility for the CLS platform."""

import sys


def main():
    from cls_poitiers.demarrage import charger_reglages

    charger_reglages()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
