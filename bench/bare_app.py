"""The framework ceiling for bench/load_filing.py: Flask + Flask-WTF + SQLAlchemy, one form and
a one-row insert, on the same URLs as the portal's filing journey.

    BARE_DATABASE_URI=sqlite:////tmp/bare.db gunicorn -w 2 bench.bare_app:app

Nothing else: no i18n, no routing, no deadlines, no history, no mail. What the portal adds on
top of this is what the benchmark prices.
"""
from __future__ import annotations

import os
from datetime import datetime, timezone

import sqlalchemy as sa
from flask import Flask, abort, redirect, render_template_string, url_for
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import FlaskForm
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class BareReport(Base):
    __tablename__ = "bench_bare_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class ReportForm(FlaskForm):
    subject = StringField("Subject", validators=[InputRequired(), Length(max=200)])
    description = TextAreaField("Description", validators=[InputRequired(), Length(max=4000)])


FORM_PAGE = """<!doctype html><title>File</title><form method="post">{{ form.hidden_tag() }}
{{ form.subject.label }} {{ form.subject() }} {{ form.description.label }} {{ form.description() }}
<button>Send</button></form>"""
RECEIVED_PAGE = "<!doctype html><title>Received</title><p>Received: {{ report.id }} {{ report.subject }}</p>"


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="bench", SQLALCHEMY_DATABASE_URI=os.environ["BARE_DATABASE_URI"],
                      WTF_CSRF_TIME_LIMIT=None)
    db.init_app(app)

    @app.route("/feedback/new", methods=["GET", "POST"])
    def submit():
        form = ReportForm()
        if form.validate_on_submit():
            report = BareReport(subject=form.subject.data, description=form.description.data,
                                received_at=datetime.now(timezone.utc))
            db.session.add(report)
            db.session.commit()
            return redirect(url_for("received", code=str(report.id)))
        return render_template_string(FORM_PAGE, form=form)

    @app.route("/feedback/<code>/received")
    def received(code: str):
        report = db.session.get(BareReport, int(code)) if code.isdigit() else None
        if report is None:
            abort(404)
        return render_template_string(RECEIVED_PAGE, report=report)

    return app


def create_schema(uri: str) -> None:
    engine = sa.create_engine(uri)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    engine.dispose()


app = create_app() if "BARE_DATABASE_URI" in os.environ else None
