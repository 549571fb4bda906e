"""Smart intake (智能填单): proposals for the intake form from the appeal text, offline."""
