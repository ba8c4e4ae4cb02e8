"""bilingual: turn messy Swedish/English articles into paired, language-tagged pages."""

__version__ = "0.1.0"
