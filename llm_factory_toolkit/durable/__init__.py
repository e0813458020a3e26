"""Durable execution: generations that survive a killed worker, one package per engine.

An engine turns the model-call and tool-call cores into its steps; the agent loop and every
stage stay as they are and run as the engine's deterministic workflow code. Nothing here
imports an engine: ``llm_factory_toolkit.durable.dbos`` does, on first use.
"""
